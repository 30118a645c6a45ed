# Submission goes to smtp.office365.com, never to an MX.
site "hq" {
  method = "submission"

  endpoint {
    mx_domain = "contoso.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
