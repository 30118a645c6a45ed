# A misspelt block, and a block the language does not have.
site "hq" {
  method = "submission"

  endpont {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  notify {
    email = "it@contoso.com"
  }
}

sites "branch" {
}
