import{c as r,s as e}from"./flowDiagram-HODETNUW-CDUonkMd.js";import{_ as a}from"./mermaid.core-DPal8emy.js";import"./chunk-5VM5RSS4-C6Dmgym_.js";import"./chunk-XXDRQBXY-BrzQ7QWE.js";import"./chunk-POPQ4Y6H-B-OzDLDx.js";import"./chunk-F27PBJKO-BnDaefpJ.js";import"./index-C1HgtdkU.js";import"./channel-CF5b5QEj.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
