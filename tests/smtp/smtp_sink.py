#!/usr/bin/python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd).

Every message it receives is written to FOLDER/raw/NNNNNN.eml (the message as received), FOLDER/json/NNNNNN.json
(envelope, headers and the decoded text and HTML parts) and FOLDER/NNNNNN.eml (decoded headers and the plain-text part, the
shape the tests' Mailbox reads), each file complete before it appears.
Prints "READY <port>" once it accepts connections; stops on SIGTERM or when its standard input closes.

    python3 tests/smtp/smtp_sink.py --port 2525 --folder /tmp/mail
"""
import argparse, email, email.policy, itertools, json, os, signal, sys, threading

from aiosmtpd.controller import Controller

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--folder", required=True)
args = parser.parse_args()
for sub in ("raw", "json"):
    os.makedirs(os.path.join(args.folder, sub), exist_ok=True)
counter = itertools.count(1)
lock = threading.Lock()


def write(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        with lock:
            n = next(counter)
        name = f"{n:06d}"
        headers = {k: str(v) for k, v in message.items()}
        body = text.get_content() if text is not None else ""
        write(os.path.join(args.folder, "raw", name + ".eml"), raw)
        write(os.path.join(args.folder, "json", name + ".json"), json.dumps({
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "headers": headers,
            "contentType": message.get_content_type(),
            "text": body,
            "html": html.get_content() if html is not None else None,
        }).encode("utf-8"))
        readable = "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n" + body
        write(os.path.join(args.folder, name + ".eml"), readable.encode("utf-8"))
        return "250 Message accepted for delivery"


controller = Controller(Sink(), hostname="127.0.0.1", port=args.port)
controller.start()
print(f"READY {args.port}", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
stop.wait()
controller.stop()
