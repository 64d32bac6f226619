"""The size limit of an uploaded import file (``settings.KAA_MAX_UPLOAD_BYTES``), applied while it arrives.

A file over the limit is never stored nor parsed: ``UploadLimit`` skips it (Django reads the rest of its
bytes and throws them away), so the upload page can say why at once, with every other field kept.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room for the form's other fields and the multipart boundaries on top of the file itself.
FORM_MARGIN = 64 * 1024


class UploadLimit(FileUploadHandler):
    """First of the request's upload handlers: skips a file once it is known to exceed ``limit`` bytes."""

    def __init__(self, request: Any = None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        # The request says its size: a body far over the limit cannot hold a file within it.
        if content_length and content_length > self.limit + FORM_MARGIN:
            self.exceeded = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file
