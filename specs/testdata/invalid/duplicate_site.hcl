# The same site name twice: the second is refused.
site "hq-mfp" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "hq-mfp" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
