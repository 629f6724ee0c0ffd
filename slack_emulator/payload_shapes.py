"""A copy of Slack's official payload shapes, and the rules that make a payload carry all of it.

The shapes come from ``shared/slack-reference/payload-shapes`` (every field, blank values); they are
transcribed here so ``slack_emulator.payloads`` works on machines without that folder, and the tests
compare the copy with the files whenever they are present.

How a field that does not apply in the scenario is represented (a button click has no
``selected_option``, a message with no huddle has no ``room``), by ``complete``:

* a scalar is ``None`` (JSON null, which Slack itself sends for absent values such as
  ``enterprise`` or ``previous_view_id``); never ``""``, because bolt reads ``""`` as a value: a
  blank ``bot_access_token`` would replace the bot token of every listener's client, and a blank
  ``view.app_installed_team_id`` would erase the team id from the context;
* a boolean of an object that applies is ``False`` (the flag is not set);
* an object that does not apply keeps every key, all ``None`` (its lists and maps too), so code
  must test a leaf such as ``body["view"]["id"]``, not the truthiness of ``body["view"]``;
* a list that does not apply is empty: an invented element would be iterated as if it were real.

``without_absent_fields`` strips all of that and gives the sparse form Slack actually sends. Block
Kit ``blocks`` are content, not structure: kept exactly as given, never padded with empty keys,
because the bot may send them back to Slack (``chat.update`` with the card it received).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

# ---------------------------------------------------------------------------------------------
# The shapes, transcribed from shared/slack-reference/payload-shapes. Notation: ``name`` a scalar,
# ``name?`` a boolean, ``name(...)`` an object (``name()``: free-form), ``name[...]`` a list of
# objects (``name[]``: of scalars), ``*`` the entries of a map keyed by ids (file shares by channel).
# For lists the shapes show one element; where that element is a union of every variant (actions,
# blocks) so is the transcription.

_TEXT = "type text emoji?"
_CONFIRM = f"title({_TEXT}) text({_TEXT}) confirm({_TEXT}) deny({_TEXT}) style"
_BLOCK = (
    f"type elements[type text({_TEXT}) action_id url value style confirm({_CONFIRM})"
    " accessibility_label] block_id"
)
_ICONS3 = "icons(image_36 image_48 image_72)"
_BOT_PROFILE = f"bot_profile(id deleted? name updated app_id {_ICONS3} team_id)"
_ICONS5 = "icons(emoji image_36 image_48 image_64 image_72)"
_VIEW = (
    f"id team_id type title({_TEXT}) submit({_TEXT}) close({_TEXT}) private_metadata callback_id"
    " external_id state() hash clear_on_close? notify_on_close? submit_disabled? root_view_id"
    " previous_view_id app_id app_installed_team_id bot_id"
)
_LIST_METADATA = (
    "list_metadata(icon icon_url icon_team_id description is_trial?"
    " creation_source(type reference_id workflow_function_id))"
)
_LIST_LIMITS = (
    "list_limits(over_row_maximum? row_count_limit row_count over_column_maximum? column_count"
    " column_count_limit over_view_maximum? view_count view_count_limit max_attachments_per_cell)"
)
_ATTACHMENT = (
    "msg_subtype fallback callback_id color hide_color? pretext service_url service_name"
    " service_icon author_id author_name author_link author_icon from_url original_url"
    " author_subname channel_id channel_name channel_team id app_id bot_id indent? is_msg_unfurl?"
    " is_reply_unfurl? is_thread_root_unfurl? is_app_unfurl? app_unfurl_url title title_link text"
    " fields[title value short?] image_url image_width image_height image_bytes thumb_url"
    " thumb_width thumb_height video_url video_html video_html_width video_html_height footer"
    " footer_icon ts mrkdwn_in[] actions[id name text style type value confirm(title text ok_text"
    " dismiss_text) options[] selected_options[] data_source min_query_length url]"
    f" preview(type can_remove? title({_TEXT}) subtitle({_TEXT}) icon_url) file_id list_record_id"
    " list_record(record(record_id)) hide_border? list_view_id list(id created timestamp name"
    " title mimetype filetype external_type pretty_type user user_team editable? size mode"
    f" is_external? is_public? public_url_shared? display_as_bot? username {_LIST_METADATA}"
    f" {_LIST_LIMITS} url_private url_private_download permalink permalink_public last_editor"
    " updated comments_count shares() has_more_shares? private_channels_with_file_access_count"
    " private_file_with_access_count has_rich_preview? file_access) list_view(id name type"
    " is_locked? position date_created created_by stick_column_left? is_all_items_view?"
    " default_view_key show_completed_items? grouping(group_by group_by_column_id)) filename size"
    " mimetype url metadata(thumb_64? thumb_80? thumb_160? original_w original_h thumb_360_w"
    " thumb_360_h format extension rotation thumb_tiny) is_file_attachment?"
)
_SHARE = (
    "share_user_id reply_users[] reply_users_count reply_count ts thread_ts latest_reply"
    " channel_name team_id access source date_last_shared"
)
_THUMBS = " ".join(
    f"thumb_{size} thumb_{size}_gif thumb_{size}_w thumb_{size}_h"
    for size in (64, 80, 160, 360, 480, 720, 800, 960, 1024)
)
_FILE = (
    "id created timestamp name title subject mimetype filetype pretty_type user user_team"
    " source_team mode editable? non_owner_editable? editor last_editor updated file_access"
    " edit_timestamp alt_txt subtype transcription(status locale preview(content has_more?)) mp4"
    " mp4_low vtt hls hls_embed duration_ms thumb_video_w thumb_video_h original_attachment_count"
    " is_external? external_type external_id external_url username size url_private"
    f" url_private_download url_static_preview app_id app_name {_THUMBS} thumb_video thumb_gif"
    " thumb_pdf thumb_pdf_w thumb_pdf_h thumb_tiny converted_pdf image_exif_rotation original_w"
    " original_h deanimate deanimate_gif pjpeg permalink permalink_public edit_link"
    " has_rich_preview? media_display_type preview_is_truncated? preview preview_highlight"
    " plain_text preview_plain_text has_more? sent_to_self? lines lines_more is_public?"
    f" public_url_shared? display_as_bot? shares(public(*[{_SHARE}]) private(*[{_SHARE}]))"
    " has_more_shares? channel_actions_ts channel_actions_count headers(date in_reply_to reply_to"
    " message_id) simplified_html media_progress(offset_ms max_offset_ms duration_ms"
    " media_watched?) saved(is_archived? date_completed date_due state) quip_thread_id"
    " is_channel_space? linked_channel_id access last_read private_channels_with_file_access_count"
    " private_file_with_access_count org_or_workspace_access update_notification"
    " canvas_template_mode template_conversion_ts template_name template_title"
    " template_description template_icon team_pref_version_history_enabled? show_badge?"
    f" {_LIST_METADATA} {_LIST_LIMITS} list_csv_download_url can_toggle_canvas_lock?"
    " is_restricted_sharing_enabled? canvas_printing_enabled? bot_id initial_comment(id created"
    " timestamp user comment channel is_intro?) num_stars is_starred? comments_count"
)
_FILE_COMMENT = (
    "id name title created timestamp user username is_intro? is_public? is_starred?"
    " public_url_shared? url_private url_private_download? permalink permalink_public? edit_link"
    " preview preview_highlight lines lines_more preview_is_truncated? has_rich_preview?"
    " media_display_type mimetype filetype pretty_type is_external? external_type editable?"
    " display_as_bot? size mode comment"
)
_ROOM = (
    "room(id name media_server created_by date_start date_end canvas_thread_ts thread_root_ts"
    " is_dm_call? was_rejected? was_missed? was_accepted? has_ended? background_id"
    " canvas_background is_prewarmed? is_scheduled? media_backend_type display_id"
    " external_unique_id app_id call_family recording(transcript? summary? notetaking?"
    " summary_status can_record_summary) huddle_link)"
)
_MESSAGE = (
    f"type subtype team channel user username text blocks[{_BLOCK}] attachments[{_ATTACHMENT}] ts"
    " thread_ts is_intro? is_starred? wibblr? pinned_to[] reactions[name count url] app_id bot_id"
    f" bot_link display_as_bot? {_BOT_PROFILE} {_ICONS5} file({_FILE}) files[{_FILE}] upload?"
    f" parent_user_id inviter client_msg_id comment({_FILE_COMMENT}) topic purpose edited(user ts)"
    " unfurl_links? unfurl_media? is_thread_broadcast? is_locked? reply_count reply_users[]"
    " reply_users_count latest_reply subscribed? hidden? last_read root(text user parent_user_id"
    f" username team bot_id mrkdwn? type subtype thread_ts {_ICONS5} {_BOT_PROFILE} edited(user ts)"
    " reply_count reply_users_count latest_reply subscribed? last_read unread_count ts"
    f" {_ROOM} no_notifications?) item_type item({_FILE_COMMENT})"
    f" metadata(event_type event_payload()) {_ROOM} no_notifications?"
    " assistant_app_thread(title first_user_thread_reply)"
)
_ACTION = (
    f"action_id block_id text({_TEXT}) value type style action_ts placeholder({_TEXT})"
    f" confirm({_CONFIRM}) url initial_option(text({_TEXT}) value description({_TEXT}) url)"
    f" selected_option(text({_TEXT}) value) selected_user initial_user selected_conversation"
    " initial_conversation selected_channel initial_channel min_query_length selected_date"
    " initial_date selected_time initial_time rich_text_value(type elements[] block_id)"
)
_INTERACTIVE_TAIL = (
    "is_enterprise_install? bot_access_token function_data(execution_id function(callback_id))"
    " interactivity(interactivity_pointer interactor(id secret))"
)
_ENTERPRISE_TEAM = "enterprise(id name) team(id domain enterprise_id enterprise_name)"
_ENVELOPE = (
    "token enterprise_id team_id api_app_id type authed_users[] authed_teams[]"
    " authorizations[enterprise_id team_id user_id is_bot? is_enterprise_install?]"
    " is_ext_shared_channel? event_id event_time event_context context_team_id"
    " context_enterprise_id"
)

_SPEC: Final[dict[str, str]] = {
    "SlashCommandPayload": (
        "token api_app_id team_id team_domain enterprise_id enterprise_name channel_id"
        " channel_name user_id user_name command text response_url trigger_id"
        " is_enterprise_install?"
    ),
    "BlockActionPayload": (
        f"type {_ENTERPRISE_TEAM} user(id username name team_id) api_app_id token"
        " container(type message_ts attachment_id channel_id view_id text is_ephemeral?"
        " is_app_unfurl? app_unfurl_url thread_ts) trigger_id channel(id name)"
        f" message({_MESSAGE}) response_url view({_VIEW}) state() app_unfurl(id fallback bot_id"
        f" app_unfurl_url is_app_unfurl? app_id) actions[{_ACTION}] {_INTERACTIVE_TAIL}"
    ),
    "ViewSubmissionPayload": (
        f"type {_ENTERPRISE_TEAM} user(id username name team_id) api_app_id token trigger_id"
        f" view({_VIEW}) is_cleared? {_INTERACTIVE_TAIL}"
    ),
    "ViewClosedPayload": (
        f"type {_ENTERPRISE_TEAM} user(id username name team_id) api_app_id token"
        f" view({_VIEW}) is_cleared? {_INTERACTIVE_TAIL}"
    ),
    "MessageShortcutPayload": (
        f"type callback_id trigger_id message_ts response_url message({_MESSAGE})"
        f" {_ENTERPRISE_TEAM} user(id name team_id) channel(id name) token action_ts"
        " is_enterprise_install?"
    ),
    "AppMentionPayload": (
        f"{_ENVELOPE} event(type client_msg_id user username app_id bot_id {_BOT_PROFILE} subtype"
        f" text blocks[{_BLOCK}] upload? display_as_bot? ts team channel user_team source_team"
        " user_profile(name first_name real_name display_name team is_restricted?"
        " is_ultra_restricted? avatar_hash image_72) edited(user ts) event_ts thread_ts)"
    ),
    "AppHomeOpenedPayload": f"{_ENVELOPE} event(type user channel tab event_ts view({_VIEW}))",
    "MessagePayload": (
        f"{_ENVELOPE} event(client_msg_id type team channel user bot_id {_BOT_PROFILE} text"
        f" blocks[{_BLOCK}] attachments[{_ATTACHMENT}] metadata(event_type) ts parent_user_id"
        " thread_ts event_ts channel_type edited(user ts))"
    ),
    "ReactionAddedPayload": (
        f"{_ENVELOPE} event(type user item(type channel ts) reaction item_user event_ts)"
    ),
}

_TOKEN: Final = re.compile(r"\s*(?:(\*|\w+)([?(\[])?|([)\]]))")


def _parse(spec: str, pos: int = 0, closer: str | None = None) -> tuple[dict[str, Any], int]:
    fields: dict[str, Any] = {}
    while (match := _TOKEN.match(spec, pos)) is not None:
        pos = match.end()
        name, opener, close = match.groups()
        if close is not None:
            if close != closer:
                raise ValueError(f"unbalanced {close!r} at {pos} in shape spec")
            return fields, pos
        if opener is None:
            fields[name] = None
        elif opener == "?":
            fields[name] = False
        elif opener == "(":
            fields[name], pos = _parse(spec, pos, ")")
        else:
            item, pos = _parse(spec, pos, "]")
            fields[name] = [item] if item else []
    if spec[pos:].strip() or closer is not None:
        raise ValueError(f"shape spec does not parse at {pos}: {spec[pos : pos + 40]!r}")
    return fields, pos


# The parsed shapes. A node is None (scalar), False (boolean), a dict (object; ``{"*": node}`` for
# a map keyed by ids), [dict] (list of objects) or [] (list of scalars).
SKELETONS: Final[dict[str, dict[str, Any]]] = {name: _parse(s)[0] for name, s in _SPEC.items()}
# Keys whose value is content the sender wrote, kept exactly as given (see the module docstring).
_CONTENT_KEYS: Final = frozenset({"blocks"})


def _is_free_form(node: dict[str, Any]) -> bool:
    return not node or set(node) == {"*"}


def absent(node: Any) -> Any:
    """A field that does not apply, inside an object that does not apply either: all None."""
    if isinstance(node, dict) and not _is_free_form(node):
        return {key: absent(child) for key, child in node.items()}
    return None


def _default(node: Any) -> Any:
    """A field the caller left out, in an object that applies: False, [], {} or absent."""
    if node is False:
        return False
    if isinstance(node, list):
        return []
    if isinstance(node, dict) and _is_free_form(node):
        return {}
    return absent(node)


def complete(node: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` with every key of ``node`` added, down through the objects and lists it holds.

    Given values win; a missing key gets ``_default``; ``blocks`` are left exactly as given.
    """
    result: dict[str, Any] = {}
    for key, child in node.items():
        if key == "*":
            continue
        if key in given:
            result[key] = _complete_value(child, given[key], content=key in _CONTENT_KEYS)
        else:
            result[key] = _default(child)
    for key, value in given.items():
        if key not in result:
            result[key] = _complete_value(node["*"], value) if "*" in node else value
    return result


def _complete_value(node: Any, value: Any, *, content: bool = False) -> Any:
    if content:
        return value
    if isinstance(node, dict) and node and isinstance(value, dict):
        return complete(node, value)
    if isinstance(node, list) and node and isinstance(value, list):
        return [complete(node[0], item) if isinstance(item, dict) else item for item in value]
    return value


def shape(payload_name: str, *path: str) -> Any:
    """The skeleton of ``payload_name`` (``"BlockActionPayload"``) at ``path`` (``"message"``)."""
    node: Any = SKELETONS[payload_name]
    for key in path:
        node = node[key]
    return node


def blank_payload(shape_name: str) -> dict[str, Any]:
    """This module's copy of an official shape: every key, values None, one element per list.

    ``shape_name`` is the file name in ``payload-shapes`` (``"BlockActionPayload"``). Map entries
    keyed by ids (file shares by channel) appear once under the key ``"*"``.
    """

    def blank(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: blank(child) for key, child in node.items()}
        if isinstance(node, list):
            return [blank(node[0])] if node else []
        return None

    result: dict[str, Any] = blank(SKELETONS[shape_name])
    return result


def without_absent_fields(payload: Any) -> Any:
    """The sparse form Slack sends: None values dropped, then objects left with nothing in them."""
    if isinstance(payload, dict):
        pruned = {key: without_absent_fields(value) for key, value in payload.items()}
        return {
            key: value
            for key, value in pruned.items()
            if value is not None and not (value == {} and payload[key] != {})
        }
    if isinstance(payload, list):
        return [without_absent_fields(item) for item in payload]
    return payload
