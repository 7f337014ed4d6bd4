"""Demo credentials: programmes, certificates issued and one revoked (written with issue 21)."""

from praxis.demo.communities import DemoContext


def build(ctx: DemoContext) -> None:
    """Filled by the credentials work."""
