"""The million-post community for ``python -m bench million``: its generator
(``generator.build``), the databases it is built in (``database``), its words (``words``)
and the pages measured on it (``pages``)."""
