@echo off
node --import tsx "%~dp0\dev" %*
