import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded articles go to a throwaway folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
