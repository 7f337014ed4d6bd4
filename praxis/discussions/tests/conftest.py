import pytest

from praxis.discussions.tests.factories import make_thread, make_topic


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def topic(cast):
    return make_topic(cast.community, facilitators=[cast.facilitator])


@pytest.fixture
def thread(topic, cast):
    return make_thread(topic, cast.facilitator)
