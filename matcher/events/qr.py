"""QR codes for the event day: each participant's check-in code, drawn as inline SVG.

The code is an HMAC of the event and participant ids under the service's secret, so a
printed agenda can be checked in without storing a token per participant, and a code
cannot be guessed from the ids alone.
"""

from __future__ import annotations

import hashlib
import hmac
import io

import segno

CODE_LENGTH = 12  # hex characters shown under the QR code and typed in when a scan fails


def checkin_code(secret: bytes, event_id: str, participant_id: str) -> str:
    """The participant's check-in code for the event (12 hex characters)."""
    message = f"{event_id}\x1f{participant_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:CODE_LENGTH]


def qr_svg(data: str, scale: int = 4) -> str:
    """`data` as a QR code: an inline `<svg>` element (no XML declaration), error level M."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode()
