# host and mx_domain together, then neither.
site "both" {
  method = "direct_send"

  endpoint {
    host      = "contoso-com.mail.protection.outlook.com"
    mx_domain = "contoso.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "neither" {
  method = "relay"

  endpoint {
    port = 25
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
