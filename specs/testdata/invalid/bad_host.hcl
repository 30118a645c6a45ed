# Host names and EHLO names are single words.
site "hq" {
  method = "submission"

  endpoint {
    host        = "smtp.office365.com:587"
    server_name = "smtp office365 com"
  }

  client {
    helo = "MFP 3F"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "url" {
  method = "submission"

  endpoint {
    host = "smtp://smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
