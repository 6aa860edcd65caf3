"""One module (or package, when it has parts) per navigation entry of the main window.
Pages never import each other: what two pages share lives in ui.widgets."""
