"""Drives the running service through a client generated from openapi/openapi.json.

Usage: generated_client_check.py BASE_URL TOKEN   (run by scripts/generated-client.sh)

Only the generated package is used (AuthenticatedClient, api.<tag>.<operation>.sync_detailed
and its models): if the document misdescribes a parameter, a body, an enum or a response, a
call here is refused by the service or its answer does not parse into the generated model.
One line per step; exit status 1 on the first failure.
"""

import sys
import traceback
import uuid

from kontaktnav_client import AuthenticatedClient
from kontaktnav_client.api.editing import update_unit
from kontaktnav_client.api.history import audit_log, unit_history
from kontaktnav_client.api.lookup import call_now, lookup
from kontaktnav_client.api.units import get_unit, list_units
from kontaktnav_client.models import (
    AuditPage,
    CallNowView,
    LookupResponse,
    NumberView,
    Problem,
    Purpose,
    UnitChangesBody,
    UnitDetail,
    UnitPage,
    UnitHistory,
    UnitSummary,
)


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def answer(response, status, model):
    """The parsed model of a response that must have `status`, with the raw body on a mismatch."""
    expect(
        response.status_code == status,
        f"status {int(response.status_code)}, expected {status}: {response.content[:500]!r}",
    )
    expect(
        isinstance(response.parsed, model),
        f"parsed as {type(response.parsed).__name__}, expected {model.__name__}",
    )
    return response.parsed


def main(base_url, token):
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)

    # a. GET /v1/units: a page of typed unit summaries.
    page = answer(list_units.sync_detailed(client=client, limit=100), 200, UnitPage)
    expect(len(page.items) > 0, "no units")
    expect(all(isinstance(u, UnitSummary) for u in page.items), "items are not UnitSummary")
    unit = next((u for u in page.items if isinstance(u.vag_in, NumberView)), None)
    expect(unit is not None, "no unit in the first page shows its vag_in number")
    vag_in = unit.vag_in
    print(f"ok  a. list_units: {len(page.items)} of {page.total} units; using {unit.name} ({unit.id})")

    # b. GET /v1/lookup?q=<that unit's number>: finds the unit.
    found = answer(lookup.sync_detailed(client=client, q=vag_in.national, limit=20), 200, LookupResponse)
    ids = [r.id for r in found.results]
    expect(unit.id in ids, f"lookup {vag_in.national!r} did not find {unit.id}: {ids}")
    print(f"ok  b. lookup q={vag_in.national!r}: {len(ids)} result(s), {unit.name} among them")

    # c. GET /v1/units/{id}/call-now?purpose=vag_in: starts from that number.
    # Open or unknown: a number to call; closed: none, and the asked number's next opening or
    # what is open meanwhile (an honest answer either way, whatever the time CI runs at).
    now = answer(call_now.sync_detailed(unit.id, client=client, purpose=Purpose.VAG_IN), 200, CallNowView)
    expect(now.asked.contact_point_id == vag_in.contact_point_id, f"asked is not the vag_in: {now.asked!r}")
    expect(now.path and now.path[0].contact_point_id == vag_in.contact_point_id,
           f"call-now did not start from the vag_in number: {now.path!r}")
    if now.answers.value in ("open", "unknown"):
        expect(isinstance(now.call, NumberView) and now.call.tel_uri.startswith("tel:+"), f"no number to call in {now.call!r}")
        if now.unit.id == unit.id:
            expect(now.call.e164 == vag_in.e164, f"call-now number {now.call.e164} != {vag_in.e164}")
        shown = now.call.national
    else:
        expect(not isinstance(now.call, NumberView), f"a closed answer offers a number: {now.call!r}")
        expect(bool(now.alternatives) or isinstance(now.next_open, str) or now.next_open is not None,
               "closed, with neither alternatives nor the next opening")
        shown = f"closed, {len(now.alternatives)} alternative(s)"
    print(f"ok  c. call_now purpose={Purpose.VAG_IN.value}: {now.answers.value}: {shown} ({now.why})")

    # d. GET /v1/units/{id} for the ETag, PATCH with If-Match, then the stale ETag gets 412.
    read = get_unit.sync_detailed(unit.id, client=client)
    answer(read, 200, UnitDetail)
    etag = read.headers.get("etag")
    expect(etag, "GET /v1/units/{id} sent no ETag")
    note = f"generated-client check {uuid.uuid4()}"
    body = UnitChangesBody(note=note, reason="generated client check")
    changed = update_unit.sync_detailed(unit.id, client=client, body=body, if_match=etag)
    detail = answer(changed, 200, UnitDetail)
    expect(detail.note == note, f"note is {detail.note!r} after the PATCH")
    new_etag = changed.headers.get("etag")
    expect(new_etag and new_etag != etag, f"ETag {etag} -> {new_etag}")
    stale = update_unit.sync_detailed(unit.id, client=client, body=body, if_match=etag)
    answer(stale, 412, Problem)
    print(f"ok  d. update_unit If-Match {etag} -> 200, ETag {new_etag}; the old ETag again -> 412")

    # e. The history and the audit log, whose changes carry any JSON (text, lists, null).
    history = answer(unit_history.sync_detailed(unit.id, client=client), 200, UnitHistory)
    newest = history.versions[0]
    expect(any(c.field == "note" and c.to == note for c in newest.changes), f"no note change in {newest!r}")
    events = answer(audit_log.sync_detailed(client=client, limit=50), 200, AuditPage)
    expect(len(events.items) > 0, "no audit events")
    print(f"ok  e. unit_history: {len(history.versions)} versions; audit_log: {len(events.items)} events")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: generated_client_check.py BASE_URL TOKEN")
    try:
        main(sys.argv[1], sys.argv[2])
    except Failed as failure:
        print(f"FAIL {failure}")
        sys.exit(1)
    except Exception:  # a response the generated models cannot parse, a refused call …
        traceback.print_exc()
        print("FAIL the generated client raised (see the traceback above)")
        sys.exit(1)
    print("generated client: all steps passed")
