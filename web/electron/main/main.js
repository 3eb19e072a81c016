/**
 * @file main.js  The desktop app's entry point (package.json "main")
 *
 * Everything is in app.js, which takes the `electron` module as an
 * argument so that its unit tests can pass a stand-in.
 */
'use strict';

const path = require('node:path');
const electron = require('electron');
const { startApp } = require('./app');

startApp(electron, { appDir: path.join(__dirname, '..') });
