"""A real SMTP server for the alert tests (aiosmtpd, Debian's python3-aiosmtpd).

usage: /usr/bin/python3 smtp-server.py PORT OUT.jsonl [--tls CERT KEY] [--auth USER PASSWORD]

Listens on 127.0.0.1:PORT. With --tls it offers STARTTLS and requires it
before anything else; with --auth it requires AUTH (PLAIN or LOGIN, only
after STARTTLS when --tls is given). Each message received is appended to
OUT.jsonl as {"from", "to", "data", "login", "subject", "at"} (the subject decoded
from its MIME encoded words). Prints "ready" once listening.
"""
import email
import email.policy
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out = int(sys.argv[1]), sys.argv[2]
args = sys.argv[3:]
tls = auth = None
while args:
    if args[0] == "--tls":
        tls, args = (args[1], args[2]), args[3:]
    elif args[0] == "--auth":
        auth, args = (args[1], args[2]), args[3:]
    else:
        sys.exit(f"unknown argument {args[0]}")


class Handler:
    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        subject = str(email.message_from_bytes(envelope.content, policy=email.policy.default).get("subject", ""))
        with open(out, "a") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content.decode("utf8", "replace"), "login": login, "subject": subject, "at": time.time() * 1000}) + "\n")
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == auth
    # handled=False: aiosmtpd itself answers a failure (535); with the default it would answer nothing.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


kwargs = {}
if tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*tls)
    kwargs.update(tls_context=ctx, require_starttls=True)
if auth:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(tls))
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
