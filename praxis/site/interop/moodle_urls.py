from django.urls import path

from praxis.site.interop import moodle

C = "c/<slug:slug>/"

# Included in the "interop" namespace by ``urls.py``. The upload page is the one that takes
# a large file (``praxis.site.uploads.LARGE_UPLOADS``).
urlpatterns = [
    path(C + "import/", moodle.moodle_import, name="moodle_import"),
    path(C + "import/<int:run_id>/", moodle.moodle_run, name="moodle_run"),
    path(C + "import/<int:run_id>/import-now/", moodle.moodle_import_now,
         name="moodle_import_now"),
]
