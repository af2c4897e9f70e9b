"""The officer survey builder: make and change surveys in the browser, without writing JSON."""
