# The new branch office's printer uses Direct Send to a tenant domain added
# after 1 July 2026: its MX is under mx.microsoft (MC1048624), not
# contoso-com.mail.protection.outlook.com. What the front ends there call
# themselves in the banner is UNCONFIRMED; the simulator names them
# <host>.<zone>.mx.microsoft, and the golden keeps <HOST> either way.
site "directsend-mx-microsoft" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.o-v1.mx.microsoft"
    port = 25
    tls  = "starttls"
  }

  client {
    helo = "printer-annex.contoso.local"
  }

  envelope {
    from = "annex-printer@contoso.com"
    to   = ["annex@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code     = 250
    enhanced = "2.1.5"
  }
}
