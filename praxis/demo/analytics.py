"""Demo analytics: the steward's costs for the report to leadership (written with issue 21)."""

from praxis.demo.communities import DemoContext


def build(ctx: DemoContext) -> None:
    """Filled by the steward's report work."""
