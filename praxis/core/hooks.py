"""Hooks: how a use case in a lower app lets a higher app react, in plain sight.

The apps form layers (``docs/architecture.md``): a lower app never imports a higher one. When
a write in a lower app must make a higher one act (a member leaves, a post is published, an
email is owed), the lower app declares a ``Hook`` beside the use case and fires it from the
use case itself; the higher app registers its receiver in its ``AppConfig.ready``. Reading
the use case shows that something reacts; ``Hook.receivers`` and the ``ready`` methods show
what. Receivers run at once, in the caller's transaction and in registration order: an
error rolls the whole write back, and work that must wait for the commit is scheduled by the
receiver itself (``transaction.on_commit``). No model signals (decision 30).
"""

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Hook(Generic[P]):
    """A named point in a use case where registered receivers are called."""

    def __init__(self, name: str, *, required: bool = False) -> None:
        self.name = name
        # A required hook is one the product cannot do without (the outbox that carries a
        # notice): firing it with no receiver is a configuration error, not a silent no-op.
        self.required = required
        self.receivers: list[Callable[P, None]] = []

    def register(self, receiver: Callable[P, None]) -> Callable[P, None]:
        """Adds a receiver once (``ready`` can run twice in tests and reloads)."""
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def fire(self, *args: P.args, **kwargs: P.kwargs) -> None:
        if self.required and not self.receivers:
            raise RuntimeError(f"nothing is registered for the hook {self.name!r}")
        for receiver in self.receivers:
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self.receivers)} receiver(s)>"
