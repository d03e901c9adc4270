#!/usr/bin/env python3
"""An independent implementation of Gatehouse bundle signing and verification.

Written against protocol section 1 and 3 with pyca/cryptography's Ed25519 and nothing of
Gatehouse's own code, so that the tests can check both directions:

  jose_interop.py sign-bundle PRIVATE_JWK SITE VERSION BODY_FILE OUT_FILE
  jose_interop.py verify-bundle JWKS_FILE BUNDLE_FILE
  jose_interop.py mint-token PRIVATE_JWK SITE INVITE SECONDS      (section 2: a visitor's QR token)
  jose_interop.py verify-token JWKS_FILE SITE TOKEN
"""
import base64
import hashlib
import json
import sys
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_bundle(private_jwk_path, site, version, body_path, out_path):
    jwk = json.load(open(private_jwk_path))
    key = Ed25519PrivateKey.from_private_bytes(b64url_decode(jwk["d"]))
    body = open(body_path, "rb").read()
    records = sum(1 for line in body.split(b"\n") if line.strip())
    # RFC 9864's fully specified name, which the device accepts beside EdDSA.
    header = {"alg": "Ed25519", "typ": "JWT", "kid": jwk["kid"]}
    claims = {
        "aud": site,
        "iat": int(time.time()),
        "iss": "python-interop",
        "bundle": {
            "version": int(version),
            "kind": "snapshot",
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "records": records,
            "encoding": "ndjson",
        },
    }
    signing_input = b64url_encode(json.dumps(header).encode()) + "." + b64url_encode(json.dumps(claims).encode())
    signature = key.sign(signing_input.encode("ascii"))
    with open(out_path, "wb") as out:
        out.write((signing_input + "." + b64url_encode(signature) + "\n").encode("ascii"))
        out.write(body)


def verify_bundle(jwks_path, bundle_path):
    keys = {k["kid"]: k for k in json.load(open(jwks_path))["keys"]}
    data = open(bundle_path, "rb").read()
    manifest, _, body = data.partition(b"\n")
    header_b64, claims_b64, signature_b64 = manifest.decode("ascii").split(".")
    header = json.loads(b64url_decode(header_b64))
    if header.get("alg") not in ("EdDSA", "Ed25519"):
        sys.exit("refused: algorithm %r" % header.get("alg"))
    jwk = keys.get(header.get("kid"))
    if jwk is None or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        sys.exit("refused: unknown key %r" % header.get("kid"))
    public_key = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    try:
        public_key.verify(b64url_decode(signature_b64), (header_b64 + "." + claims_b64).encode("ascii"))
    except InvalidSignature:
        sys.exit("refused: bad signature")
    bundle = json.loads(b64url_decode(claims_b64))["bundle"]
    if hashlib.sha256(body).hexdigest() != bundle["sha256"] or len(body) != bundle["bytes"]:
        sys.exit("refused: body hash or length")
    records = sum(1 for line in body.split(b"\n") if line.strip())
    if records != bundle["records"]:
        sys.exit("refused: record count")
    print("ok version %d records %d alg %s" % (bundle["version"], records, header["alg"]))


def mint_token(private_jwk_path, site, invite, seconds):
    jwk = json.load(open(private_jwk_path))
    key = Ed25519PrivateKey.from_private_bytes(b64url_decode(jwk["d"]))
    now = int(time.time())
    header = {"alg": "EdDSA", "typ": "JWT", "kid": jwk["kid"]}
    claims = {"aud": site, "sub": invite, "jti": "py-%d" % now, "nbf": now - 5, "exp": now + int(seconds), "iss": "python-interop"}
    signing_input = b64url_encode(json.dumps(header).encode()) + "." + b64url_encode(json.dumps(claims).encode())
    print(signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii"))))


def verify_token(jwks_path, site, token):
    keys = {k["kid"]: k for k in json.load(open(jwks_path))["keys"]}
    header_b64, claims_b64, signature_b64 = token.strip().split(".")
    header = json.loads(b64url_decode(header_b64))
    jwk = keys.get(header.get("kid"))
    if header.get("alg") not in ("EdDSA", "Ed25519") or jwk is None:
        sys.exit("refused: algorithm %r or key %r" % (header.get("alg"), header.get("kid")))
    try:
        Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"])).verify(
            b64url_decode(signature_b64), (header_b64 + "." + claims_b64).encode("ascii"))
    except InvalidSignature:
        sys.exit("refused: bad signature")
    claims = json.loads(b64url_decode(claims_b64))
    now = time.time()
    if claims.get("aud") != site or not claims.get("sub") or not claims.get("jti"):
        sys.exit("refused: claims %r" % claims)
    if not (claims["nbf"] - 60 <= now <= claims["exp"] + 60):
        sys.exit("refused: not valid now")
    print("ok invite %s" % claims["sub"])


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "sign-bundle":
        sign_bundle(*arguments)
    elif command == "verify-bundle":
        verify_bundle(*arguments)
    elif command == "mint-token":
        mint_token(*arguments)
    elif command == "verify-token":
        verify_token(*arguments)
    else:
        sys.exit("unknown command " + command)
