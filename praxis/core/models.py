from django.db import models


class Throttle(models.Model):
    """How many attempts one key (an action and who or where it came from) made in the
    current window; the counts ``core.throttle`` keeps when there is no shared cache."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
