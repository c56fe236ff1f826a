#!/usr/bin/env bash
# Regenerates the gallery of docs/augmentation.md with the jvision tool itself.
# input.png: scikit-image's astronaut test photograph (public domain, NASA), cropped to the face
# and resized to 72x72.
set -euo pipefail
cd "$(dirname "$0")"
J=../../../jvision
op() { "$J" augment --input input.png --op "$1" --magnitude "$2" --output "op-$1.png" >/dev/null; }
op hflip 0; op vflip 0; op rotate 30; op shear_x 20; op shear_y 20; op translate_x 20; op translate_y 20
op brightness 1.6; op contrast 0.4; op saturation 2.0; op sharpness 3.0; op hue 0.25; op posterize 3
op solarize 0.5; op autocontrast 0; op equalize 0; op invert 0; op grayscale 0
policy() { "$J" augment --input input.png --policy "$1" --grid 4 --seed 1 --output "policy-$2.png" >/dev/null; }
policy crop-flip crop-flip; policy rrc rrc; policy rand-m9-n2 rand-m9-n2; policy trivialaugment trivialaugment
policy autoaugment autoaugment; policy erase-1.0 erase
