from newsreader.cli import main

if __name__ == "__main__":  # not when a worker process is spawned from `python -m newsreader`
    main()
