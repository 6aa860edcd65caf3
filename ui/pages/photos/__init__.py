"""照片检查: check a batch of photo files, fix them into a folder, attach them to applicants."""
