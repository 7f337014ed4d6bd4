"""REFI-QDA exchange (www.qdasoftware.org): a study as a ``.qdpx`` project and its codebook
as a ``.qdc`` file, for NVivo, ATLAS.ti, MAXQDA and QualCoder, and both imported back.

- ``project_export.export_project``: the study, through ``praxis.research.queries`` only;
- ``project_import.import_project``: another tool's project into an existing study;
- ``codebook.export_codebook`` / ``codebook.import_codebook``: the codebook alone.
"""
