# The probe can only use a mechanism the device supports.
site "written" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  client {
    auth_mechanisms = ["LOGIN"]
  }

  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    token     = env("SCANNER_TOKEN")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "defaulted" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  client {
    auth_mechanisms = ["xoauth2"]
  }

  auth {
    username = "scanner@contoso.com"
    password = env("SCANNER_PASSWORD")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
