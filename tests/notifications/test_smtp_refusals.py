"""A mail server's refusal: a permanent one (5xx) is recorded at once with its reason and never
tried again; a temporary one (4xx) is tried again with backoff."""

import socketserver
import threading

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.models import OutgoingEmail
from notifications.services import EmailDeliveryFailed, email_deliver, email_queue

pytestmark = pytest.mark.django_db


class RefusingSmtp(socketserver.StreamRequestHandler):
    """Speaks just enough SMTP to refuse the recipient with the server's `refusal`."""

    def handle(self):
        self.wfile.write(b"220 mail.example.org ESMTP\r\n")
        for line in self.rfile:
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 mail.example.org\r\n")
            elif command.startswith("MAIL FROM"):
                self.wfile.write(b"250 OK\r\n")
            elif command.startswith("RCPT TO"):
                self.wfile.write(self.server.refusal + b"\r\n")
            elif command.startswith("QUIT"):
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def mail_server(settings):
    def start(refusal: bytes):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingSmtp)
        server.daemon_threads = True
        server.refusal = refusal
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
        settings.EMAIL_TIMEOUT = 5
        servers.append(server)

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def stored() -> OutgoingEmail:
    message = EmailMultiAlternatives(subject="Welcome", body="…", to=["nobody@example.org"])
    return email_queue(message=message, kind="welcome")


def test_a_permanent_refusal_is_recorded_once_with_its_reason_and_not_tried_again(mail_server):
    mail_server(b"550 5.1.1 <nobody@example.org>: no such mailbox")
    row = stored()

    delivered = email_deliver(outgoing_email_id=row.pk)  # raises nothing: no retry

    assert delivered.status == OutgoingEmail.Status.FAILED
    assert delivered.attempts == 1
    assert delivered.last_error.startswith("Refused for good by the mail server")
    assert "no such mailbox" in delivered.last_error


def test_a_temporary_refusal_is_tried_again(mail_server):
    mail_server(b"451 4.7.1 Greylisted, try again later")
    row = stored()

    with pytest.raises(EmailDeliveryFailed, match="Greylisted"):
        email_deliver(outgoing_email_id=row.pk)

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED
    assert not row.last_error.startswith("Refused for good")
