"""A real SMTP server on 127.0.0.1 for the mail tests (issue 22), on Debian's python3-aiosmtpd.

Usage: server.py PORTFILE MAILDIR [REFUSED_ADDRESS...]
Listens on a free port, writes it to PORTFILE, and keeps each message it accepts as MAILDIR/NNNN.eml, byte for
byte as it came off the wire (after the SMTP dot-unstuffing), with the envelope in NNNN.env. A RCPT TO of a
REFUSED_ADDRESS gets `550 5.1.1 <address>: mailbox unavailable`, as a real server refuses an unknown mailbox.
"""
import asyncio, os, sys, socket
from aiosmtpd.controller import Controller

port_file, maildir, refused = sys.argv[1], sys.argv[2], {a.lower() for a in sys.argv[3:]}
os.makedirs(maildir, exist_ok=True)

class Handler:
    count = 0
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        base = os.path.join(maildir, "%04d" % Handler.count)
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".env", "w") as f:
            f.write(envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".eml.part", base + ".eml")
        return "250 Message accepted for delivery"

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, decode_data=False)
controller.start()
with open(port_file + ".part", "w") as f: f.write(str(port))
os.rename(port_file + ".part", port_file)
try:
    asyncio.get_event_loop().run_forever() if False else __import__("threading").Event().wait()
except KeyboardInterrupt:
    pass
