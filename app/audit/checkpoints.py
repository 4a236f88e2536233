"""Checkpoints: the chain's head signed with the audit key, to keep outside the database.

Nothing inside the database can show that its last events were deleted and the head
rewound: a chain cut short is still a valid chain. A checkpoint (``baozu audit checkpoint``)
is the head at one moment (when, the sequence number of the last event, its hash, where the
keyed part began, the key version) with an HMAC signature over them; kept elsewhere (another
system, write-once storage, printed into the minutes), it lets ``baozu audit verify
--against CHECKPOINT`` find a chain shorter than it was, or whose event at that sequence
number has another hash.
"""

from __future__ import annotations

import hmac
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from app.audit import keys

FORMAT = "baozu-audit-checkpoint/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class CheckpointError(ValueError):
    """The checkpoint cannot be used: unreadable, malformed, forged, or its key is missing."""


@dataclass(frozen=True)
class Checkpoint:
    taken_at: str  # ISO 8601, UTC
    sequence: int  # the id of the last event (0: an empty chain)
    hash: str  # that event's hash (the genesis hash for an empty chain)
    keyed_from: int  # the chain head's keyed_from at the time
    key_version: int  # the audit key version of the signature
    signature: str = ""

    def signed_part(self) -> bytes:
        fields = asdict(self)
        del fields["signature"]
        return json.dumps({"format": FORMAT} | fields, sort_keys=True,
                          separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT} | asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """Parse a checkpoint (its signature is not checked here: :func:`check`)."""
        try:
            data: Any = json.loads(text)
        except ValueError:
            raise CheckpointError("检查点文件不是有效的 JSON") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CheckpointError(f"不是保租通审计检查点（应为 {FORMAT} 格式）")
        ints = ("sequence", "keyed_from", "key_version")
        strs = ("taken_at", "hash", "signature")
        if set(data) != {"format", *ints, *strs} \
                or any(type(data[k]) is not int or data[k] < 0 for k in ints) \
                or any(not isinstance(data[k], str) for k in strs) \
                or not _HEX64.match(data["hash"]) or not _HEX64.match(data["signature"]):
            raise CheckpointError("检查点内容不完整或格式不正确")
        del data["format"]
        return cls(**data)


def sign(*, taken_at: str, sequence: int, hash: str, keyed_from: int) -> Checkpoint:
    """A checkpoint of the given head, signed with the current audit key."""
    unsigned = Checkpoint(taken_at, sequence, hash, keyed_from, keys.current_version())
    signature = keys.mac(unsigned.key_version, keys.CHECKPOINT, unsigned.signed_part())
    return Checkpoint(taken_at, sequence, hash, keyed_from, unsigned.key_version, signature)


def check(checkpoint: Checkpoint) -> None:
    """Refuse (:class:`CheckpointError`) a checkpoint whose signature is not this system's."""
    try:
        expected = keys.mac(checkpoint.key_version, keys.CHECKPOINT, checkpoint.signed_part())
    except keys.MissingKey:
        raise CheckpointError(f"检查点由第 {checkpoint.key_version} 版审计密钥签发，"
                              "但未配置该版本的密钥（BAOZU_AUDIT_RETIRED_KEYS），无法核对其签名") from None
    if not hmac.compare_digest(expected, checkpoint.signature):
        raise CheckpointError("检查点签名不符：检查点被改动或伪造，或不是用本系统的审计密钥签发的")
