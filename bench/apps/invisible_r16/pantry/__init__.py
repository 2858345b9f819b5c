from pantry.app import OutOfStock, Pantry, new_id, plain, typed

__all__ = ["OutOfStock", "Pantry", "new_id", "plain", "typed"]
