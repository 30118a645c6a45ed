# Ports outside 1..65535 or not whole.
site "zero" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 0
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "too-big" {
  method = "relay"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 70000
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "fraction" {
  method = "relay"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25.5
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
