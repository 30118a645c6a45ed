# A missing "=": the file is not decoded until its syntax is right.
site "hq" {
  method "submission"

  endpoint {
    host = "smtp.office365.com"
  }
}
