from agilesocial.cli.app import main

main()
