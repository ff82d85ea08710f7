"""The data key ring as the environment spells it, read without Django: settings.py parses it at start-up (and
production refuses a malformed one), core.crypto checks what the settings hold with the same rules.

DANGJIAN_DATA_KEY          the current key, 32 bytes in hex; every new ciphertext is made with it
DANGJIAN_DATA_KEY_VERSION  its version (a whole number, default 1), written in each ciphertext ("v2:…")
DANGJIAN_DATA_OLD_KEYS     retired keys that values may still be encrypted with: "1:<hex>,2:<hex>"

Version 1 is the key an installation started with: every value stored before rotation existed reads "v1:…".
"""

MIN_KEY_BYTES = 16  # what the cipher accepts at all (development); production asks for exactly 32 (settings.py)
PRODUCTION_KEY_BYTES = 32


def key_bytes(value, name="DANGJIAN_DATA_KEY"):
    """The key's bytes; ValueError (naming the variable, never the key) when it is not hex of 16 bytes or more."""
    try:
        key = bytes.fromhex(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be hex (32 bytes: 64 hex digits)") from None
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{name} must hold at least {MIN_KEY_BYTES} bytes (32 hex digits)")
    return key


def parse_version(text):
    """DANGJIAN_DATA_KEY_VERSION: a whole number from 1."""
    text = str(text).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"DANGJIAN_DATA_KEY_VERSION must be a whole number from 1, not {text!r}")
    return int(text)


def parse_old_keys(text):
    """DANGJIAN_DATA_OLD_KEYS ("1:<hex>,2:<hex>", empty allowed) -> {version: hex}; ValueError when malformed."""
    keys = {}
    for number, item in enumerate((part.strip() for part in (text or "").split(",")), 1):
        if not item:
            continue
        version, sep, value = item.partition(":")
        if not sep or not version.strip().isdigit() or int(version) < 1:
            raise ValueError(f"DANGJIAN_DATA_OLD_KEYS, entry {number}: expected <version>:<hex key>, e.g. 1:ab12…")
        version = int(version)
        if version in keys:
            raise ValueError(f"DANGJIAN_DATA_OLD_KEYS lists version {version} twice")
        key_bytes(value, f"DANGJIAN_DATA_OLD_KEYS (version {version})")
        keys[version] = value.strip()
    return keys


def ring_problems(current, version, old_keys, *, key_length=None):
    """Why this key ring cannot be used (empty when it can): malformed keys, the current version also listed as
    retired, the same key under two versions, or (production: key_length=32) a key of another length."""
    problems = []
    named = [("DANGJIAN_DATA_KEY", version, current)]
    named += [(f"DANGJIAN_DATA_OLD_KEYS (version {v})", v, k) for v, k in sorted(old_keys.items())]
    seen = {}
    for name, number, value in named:
        try:
            key = key_bytes(value, name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if key_length and len(key) != key_length:
            problems.append(f"{name} must be {key_length} bytes in hex ({2 * key_length} characters)")
        if key in seen:
            problems.append(f"{name} is the same key as version {seen[key]}: a rotation needs a new key")
        seen.setdefault(key, number)
    if version in old_keys:
        problems.append(f"DANGJIAN_DATA_OLD_KEYS lists version {version}, the current key's version: "
                        f"give the new key the next version (DANGJIAN_DATA_KEY_VERSION)")
    return problems
