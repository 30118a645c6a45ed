# Direct Send: the tenant's MX by domain, everything else defaulted.
site "warehouse-mfp" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "rcpt" {
    code     = 550
    enhanced = "5.7.606"
    text     = "banned sending IP"
  }
}
