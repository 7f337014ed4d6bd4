from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Signs people in by email, whatever case they type it in."""

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        email = username or kwargs.get("email")
        if email:
            email = email.strip()
        return super().authenticate(request, username=email, password=password, **kwargs)
