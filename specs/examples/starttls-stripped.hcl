# At the branch office a firewall's SMTP inspection removes STARTTLS from
# the EHLO list (the banner is untouched) and refuses the command.
# Microsoft 365 always offers STARTTLS, so its absence is the firewall:
# exempt the flow from inspection rather than turning the firewall off.
site "starttls-stripped" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  client {
    helo = "mfp-branch.contoso.local"
  }

  envelope {
    from = "branch-scanner@contoso.com"
    to   = ["branch@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "starttls" {
    code = 500
  }
}
