# The loading-dock printer uses Direct Send: anonymous mail to the tenant's
# MX on port 25, to contoso.com mailboxes only. This is the working
# baseline for port 25 from the site's public IP.
site "directsend-ok" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
    port      = 25
    tls       = "starttls"
  }

  client {
    helo = "printer-dock.contoso.local"
  }

  envelope {
    from = "dock-printer@contoso.com"
    to   = ["shipping@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "banner" {
    code = 220
    text = "mail[.]protection[.]outlook[.]com"
  }

  expect "rcpt" {
    code     = 250
    enhanced = "2.1.5"
  }
}
