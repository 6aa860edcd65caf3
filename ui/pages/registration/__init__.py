"""报名录入: the applicant list beside the applicant form."""
