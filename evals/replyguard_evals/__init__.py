"""QA's eval suite: labelled reviews in, pass rates by check, language and scenario out."""
