# A misspelt attribute, and one written a level off.
site "hq" {
  method = "submission"
  port   = 587

  endpoint {
    hots = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
    sned_message = true
  }
}
