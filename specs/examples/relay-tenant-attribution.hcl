# The site's ISP changed its public IP; the inbound connector still lists
# the old one. Relay to external recipients is no longer attributed to the
# tenant: RCPT gets 550 5.7.64 TenantAttribution. Update the connector.
site "relay-tenant-attribution" {
  method = "relay"

  endpoint {
    mx_domain = "contoso.com"
  }

  client {
    helo = "mfp-sales.contoso.local"
  }

  envelope {
    from = "sales-scanner@contoso.com"
    to   = ["orders@fabrikam.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code     = 550
    enhanced = "5.7.64"
    text     = "TenantAttribution"
  }
}
