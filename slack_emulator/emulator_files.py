"""The files v2 upload flow: files.getUploadURLExternal, the upload URL, files.completeUploadExternal."""

from __future__ import annotations

import mimetypes
from typing import Any

from slack_emulator.emulator_args import MethodError, channel_arg, ids_arg, text_arg
from slack_emulator.emulator_state import PERMALINK_HOST, EmulatedFile, Workspace


def files_get_upload_url_external(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Step 1 of files v2: an upload URL on the emulator and the file's id."""
    filename = text_arg(args, "filename")
    try:
        length = int(text_arg(args, "length"))
    except ValueError:
        length = -1
    if not filename or length < 1:
        raise MethodError("invalid_arguments", "[ERROR] filename and a positive length required")
    file_id = ws.new_id("F")
    ws.files[file_id] = EmulatedFile(file_id, filename, length)
    return {"ok": True, "upload_url": f"{ws.base_url}/upload/v1/{file_id}", "file_id": file_id}


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> tuple[int, str]:
    """Step 2 of files v2: the bytes POSTed to the upload URL. Answers (status, text) as Slack's
    upload host does ("OK - <bytes>")."""
    emulated = ws.files.get(file_id)
    if emulated is None:
        return 404, "file_not_found"
    emulated.content = content
    return 200, f"OK - {len(content)}"


def files_complete_upload_external(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Step 3 of files v2: share the uploaded files, optionally as a message in a channel."""
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise MethodError("invalid_arguments", "[ERROR] files must be a non-empty JSON list")
    shared: list[dict[str, Any]] = []
    for entry in entries:
        emulated = ws.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if emulated is None or emulated.content is None:
            raise MethodError("file_not_found")
        emulated.title = str(entry.get("title") or emulated.filename)
        shared.append(_file_object(ws, emulated))
    targets = (
        [text_arg(args, "channel_id")] if args.get("channel_id") else ids_arg(args, "channels")
    )
    for target in targets:
        channel = channel_arg(ws, {"channel": target})
        extra: dict[str, Any] = {"files": shared, "upload": True}
        if args.get("thread_ts"):
            extra["thread_ts"] = text_arg(args, "thread_ts")
        ws.store_message(
            channel.id, user=ws.bot_user_id, text=text_arg(args, "initial_comment"), extra=extra
        )
    return {"ok": True, "files": shared}


def _file_object(ws: Workspace, emulated: EmulatedFile) -> dict[str, Any]:
    return {
        "id": emulated.id,
        "name": emulated.filename,
        "title": emulated.title,
        "mimetype": mimetypes.guess_type(emulated.filename)[0] or "application/octet-stream",
        "size": len(emulated.content or b""),
        "user": ws.bot_user_id,
        "permalink": f"{PERMALINK_HOST}/files/{ws.bot_user_id}/{emulated.id}/{emulated.filename}",
    }
