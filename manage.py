#!/usr/bin/env python
from rectify.manage import main

if __name__ == "__main__":
    main()
