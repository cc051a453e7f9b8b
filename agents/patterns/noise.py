def read(text: str) -> dict:
    return {}
