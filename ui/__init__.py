"""The Qt front end of ClassDesk: windows, dialogs and Qt models over app.services."""
