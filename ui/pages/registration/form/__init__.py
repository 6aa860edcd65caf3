"""The applicant form: the paper forms' sections (附件2, 附件4, the office's parts) and the
binding that turns what is typed into an ApplicantData and shows its problems."""
