from assistant.cli import app

app()
