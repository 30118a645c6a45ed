# The plant's Cisco ASA inspects ESMTP on port 25: the banner arrives
# masked with asterisks, STARTTLS is masked as XXXXXXXA in the EHLO list,
# and STARTTLS is refused with 500 #5.5.1. Exempt this flow from ESMTP
# inspection; do not disable the firewall's security wholesale.
site "firewall-inspection" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
    tls       = "starttls"
  }

  client {
    helo = "printer-plant.contoso.local"
  }

  envelope {
    from = "plant-printer@contoso.com"
    to   = ["maintenance@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "banner" {
    code = 220
    text = "^[*]{8,}"
  }

  expect "ehlo" {
    text = "XXXXXXXA"
  }

  expect "starttls" {
    code     = 500
    enhanced = "5.5.1"
  }
}
