# Secrets must be env("NAME") calls; the values below must never be shown.
site "literal" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    username = "scanner@contoso.com"
    password = "Winter2024!"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "computed" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    token     = upper("abc.def.ghi")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "not-a-name" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    username = "scanner@contoso.com"
    password = env(lower("SCANNER_PASSWORD"))
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
