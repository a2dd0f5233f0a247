# yaml-language-server: $schema=../../schema/event.schema.json
title: a..b
date: 2022-05-13
date_basis: explicit
kind: call
actors: [lloyd-austin]
summary: Un résumé.
citations:
  - source: cnn-2022-05-13
    quote: L'appel a duré environ une heure et était à la demande d'Austin
